// Every process a worker or an external program started, found and killed: one process group is not
// enough (a program that calls setsid, a child left behind by a program that exited, a worker killed
// before it could clean up). Each process the harness starts carries a tag in its environment, which
// its descendants inherit even after they are re-parented to init or start their own session; the
// sweep kills every process with the tag plus every descendant (by parent pid) and every member of a
// process group or session led by one of them. Linux /proc only; elsewhere only the direct child is
// killed, by its caller.

import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** Environment variable holding the space-separated tags of the harness processes above a process. */
export const PROCESS_TAG_VARIABLE = 'RMSPROP_HARNESS_PROCESS_TAGS';

let counter = 0;

/** A tag unique to this process and call: `worker-1234-3-9f2c...`. */
export function newProcessTag(kind: string): string {
  return `${kind}-${process.pid}-${++counter}-${randomBytes(4).toString('hex')}`;
}

/** `env` with `tag` added to the inherited tags (nested: a program started by a worker carries both). */
export function taggedEnv(env: NodeJS.ProcessEnv, tag: string): NodeJS.ProcessEnv {
  const tags = env[PROCESS_TAG_VARIABLE];
  return { ...env, [PROCESS_TAG_VARIABLE]: tags ? `${tags} ${tag}` : tag };
}

interface ProcessEntry {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
  zombie: boolean;
}

function readStat(pid: number): ProcessEntry | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may itself contain spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      pid,
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      session: Number(fields[3]),
      zombie: fields[0] === 'Z' || fields[0] === 'X',
    };
  } catch {
    return null; // gone meanwhile, or not Linux
  }
}

function hasTag(pid: number, tag: string): boolean {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    const prefix = `${PROCESS_TAG_VARIABLE}=`;
    for (const entry of environ.split('\0'))
      if (entry.startsWith(prefix)) return entry.slice(prefix.length).split(' ').includes(tag);
    return false;
  } catch {
    return false; // another user's process, or gone
  }
}

function listProcesses(): ProcessEntry[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcessEntry[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readStat(Number(name));
    if (entry) out.push(entry);
  }
  return out;
}

/** The live processes carrying `tag` or descending from `roots`, with their descendants and group/session members. */
export function findTree(tag: string | null, roots: readonly number[] = []): number[] {
  const all = listProcesses().filter((p) => !p.zombie && p.pid !== process.pid);
  const children = new Map<number, number[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const found = new Set<number>();
  const leaders = new Set<number>(roots);
  const visit = (pid: number) => {
    if (pid === process.pid || found.has(pid)) return;
    found.add(pid);
    for (const c of children.get(pid) ?? []) visit(c);
  };
  for (const root of roots) if (all.some((p) => p.pid === root)) visit(root);
  if (tag !== null) for (const p of all) if (hasTag(p.pid, tag)) visit(p.pid);
  for (const pid of found) leaders.add(pid);
  // Members of a group or session led by a found process (a child that dropped the tag from its environment).
  for (const p of all) if (leaders.has(p.pgrp) || leaders.has(p.session)) visit(p.pid);
  return [...found];
}

/**
 * Kills (SIGKILL) every process carrying `tag` or descending from `roots`, never this process. Each
 * round stops them all first (SIGSTOP), so none can fork a new child between being found and killed;
 * rounds repeat until none is left. Returns how many processes were killed.
 */
export function killTree(tag: string | null, roots: readonly number[] = []): number {
  let killed = 0;
  for (let round = 0; round < 20; round++) {
    const pids = findTree(tag, roots);
    if (pids.length === 0) break;
    for (const pid of pids) signal(pid, 'SIGSTOP');
    // Found again while stopped: children forked just before the stop.
    const all = new Set([...pids, ...findTree(tag, roots)]);
    for (const pid of all) if (signal(pid, 'SIGKILL')) killed++;
  }
  return killed;
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}
