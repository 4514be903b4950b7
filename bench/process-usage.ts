import fs from "node:fs";

/** User + system CPU time of a process so far, from /proc (Linux), in milliseconds. */
export function processCpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name; in clock ticks (100 per second).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A process's resident memory now and at its peak, from /proc (Linux), in MB. */
export function residentMb(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const mb = (field: string) => Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]) / 1024);
  return { rss: mb("VmRSS"), peak: mb("VmHWM") };
}
