// The rooms of ARCHITECTURE.md hold: every module of src/ and backend/ is in a room the map lists,
// imports only its own room and the rooms its room may import (and, through them, what those may
// import), and no module reaches itself through its imports. The map's table is the rule: a new
// room, or a new arrow between rooms, is a change to ARCHITECTURE.md first.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The "Rooms" table of ARCHITECTURE.md: room -> the rooms it may import directly. */
function readRooms(): Map<string, string[]> {
  const text = readFileSync(path.join(ROOT, "ARCHITECTURE.md"), "utf8");
  const section = text.split(/^## /m).find((s) => s.startsWith("Rooms"));
  if (!section) throw new Error("ARCHITECTURE.md has no '## Rooms' section");
  const rooms = new Map<string, string[]>();
  for (const line of section.split("\n")) {
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    if (cells.length !== 3 || !cells[0]!.startsWith("`")) continue;
    const names = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    rooms.set(names(cells[0]!)[0]!, names(cells[2]!));
  }
  return rooms;
}

const rooms = readRooms();

/** The room a module (repository-relative path) is in: the longest room path it starts with. */
function roomOf(file: string): string | undefined {
  const rel = file.startsWith("src/") ? file.slice(4) : file;
  let best: string | undefined;
  for (const room of rooms.keys()) {
    const holds = room.endsWith("/") ? rel.startsWith(room) : rel === room;
    if (holds && (!best || room.length > best.length)) best = room;
  }
  return best;
}

function modules(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(ROOT, dir))) {
      const rel = `${dir}/${name}`;
      if (statSync(path.join(ROOT, rel)).isDirectory()) walk(rel);
      else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) found.push(rel);
    }
  };
  walk("src");
  walk("backend");
  return found.sort();
}

/** Each module's imports of other modules (static, type-only and dynamic), repository-relative. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of modules()) {
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(ROOT, file), "utf8"), true, true);
    graph.set(file, importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith("."))
      .map((spec) => path.posix.join(path.posix.dirname(file), spec).replace(/\.js$/, ".ts"))
      .filter((target) => target.endsWith(".ts")));
  }
  return graph;
}

/** Everything `room` may import: its own list, and what each of those may import. */
function reach(room: string, seen = new Set<string>()): Set<string> {
  for (const next of rooms.get(room) ?? []) {
    if (!seen.has(next)) {
      seen.add(next);
      reach(next, seen);
    }
  }
  return seen;
}

/** Strongly connected components of more than one module, or a module importing itself. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("the rooms of ARCHITECTURE.md", () => {
  const graph = importGraph();

  it("lists rooms that exist, and may-import rooms it lists", () => {
    expect(rooms.size).toBeGreaterThan(10);
    for (const [room, allowed] of rooms) {
      const where = room === "backend/" ? room : `src/${room}`;
      expect(statSync(path.join(ROOT, where), { throwIfNoEntry: false }), `${room} does not exist`).toBeDefined();
      for (const other of allowed) expect(rooms.has(other), `${room} may import ${other}, which is not a room`).toBe(true);
    }
  });

  it("has room for every module", () => {
    expect(modules().filter((file) => !roomOf(file))).toEqual([]);
  });

  it("only points down: the rooms' own arrows form no circle", () => {
    for (const room of rooms.keys()) expect(reach(room).has(room), `${room} reaches itself through the rooms it may import`).toBe(false);
  });

  it("has every import go to the module's own room or one its room may import", () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      const from = roomOf(file)!;
      const allowed = reach(from);
      for (const target of targets) {
        const to = roomOf(target);
        if (to !== from && !(to && allowed.has(to))) wrong.push(`${file} (${from}) imports ${target} (${to ?? "no room"})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("has no import cycle between modules", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("keeps the metadata hooks off the network: config and the .dist-info writer cannot reach upstream/", () => {
    const closure = (start: string, seen = new Set<string>()): Set<string> => {
      for (const next of graph.get(start) ?? []) if (!seen.has(next)) closure(next, seen.add(next));
      return seen;
    };
    for (const entry of ["src/config/pyproject.ts", "src/wheel/distinfo.ts"]) {
      expect([...closure(entry)].filter((m) => m.startsWith("src/upstream/")), entry).toEqual([]);
    }
  });

  it("keeps the arrows the issue of the layout fixed: archive below wheel, upstream beside archive, config below upstream", () => {
    const may = (a: string, b: string) => reach(a).has(b);
    expect(may("archive/", "wheel/")).toBe(false);
    for (const up of [...rooms.keys()].filter((r) => r.startsWith("upstream/"))) {
      expect(may(up, "archive/"), up).toBe(false);
      expect(may(up, "wheel/"), up).toBe(false);
    }
    for (const up of [...rooms.keys()].filter((r) => r.startsWith("upstream/"))) expect(may("config/", up), up).toBe(false);
  });
});
