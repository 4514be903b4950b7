import pg from "pg";

/** The same driver and pool size as the platform's (db/client.ts). */
export const pool = new pg.Pool({ connectionString: process.env.FLOOR_DATABASE_URL, max: 10 });
