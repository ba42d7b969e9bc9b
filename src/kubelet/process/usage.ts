// What process containers use, read from /proc as the kubelet reads cgroups: for each process
// group, its resident memory and the CPU time its processes spent. Sampled every second while
// processes run; the CPU rate is the time spent between two samples. Linux only (elsewhere
// nothing is measured and no memory limit is enforced).
import fs from 'node:fs';

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
const TICKS = 100;
const PAGE = 4096;

/** Each process group's total: resident bytes and CPU ticks, from one pass over /proc. */
export function sampleGroups(groups: Set<number>): Map<number, { rss: number; ticks: number }> {
  const out = new Map<number, { rss: number; ticks: number }>();
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc');
  } catch {
    return out;
  }
  for (const pid of pids) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const f = parseStat(stat);
    if (!f || !groups.has(f.pgrp)) continue;
    const g = out.get(f.pgrp) ?? { rss: 0, ticks: 0 };
    g.rss += f.rssPages * PAGE;
    g.ticks += f.ticks;
    out.set(f.pgrp, g);
  }
  return out;
}

/** The fields of /proc/PID/stat minik reads (the command name may hold spaces and parentheses). */
export function parseStat(stat: string): { pgrp: number; ticks: number; rssPages: number } | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  // After the name: state(3) ppid(4) pgrp(5) ... utime(14) stime(15) ... rss(24).
  const rest = stat.slice(close + 2).split(' ');
  const field = (n: number) => Number(rest[n - 3]);
  return { pgrp: field(5), ticks: field(14) + field(15), rssPages: field(24) };
}

/** A container's usage from two samples `ms` apart. */
export function usageBetween(prev: { ticks: number } | undefined, cur: { rss: number; ticks: number }, ms: number): { milliCPU: number; memory: number } {
  const cores = prev && ms > 0 ? Math.max(0, cur.ticks - prev.ticks) / TICKS / (ms / 1000) : 0;
  return { milliCPU: Math.round(cores * 1000), memory: cur.rss };
}
