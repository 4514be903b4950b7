export * from "./audit";
export * from "./auth";
export * from "./coalition";
export * from "./organizations";
export * from "./outbox";
export * from "./people";
export * from "./inquiries";
export * from "./logos";
