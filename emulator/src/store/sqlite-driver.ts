/**
 * The SQLite driver for the running Node.js. better-sqlite3 12 wraps its objects in `node::ObjectWrap`, whose
 * destructor aborts the process on Node.js 24 (from 24.19) when a statement is garbage-collected
 * ("Assertion failed: (env) != nullptr" in RemoveEnvironmentCleanupHook); better-sqlite3 13 is built on Node-API
 * and ships prebuilt binaries, but needs Node.js 22 or later and crashes on 20. Both are installed (13 under
 * the alias `better-sqlite3-node-api`) and the one that works on this Node.js is loaded; they have the same API.
 */
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";

/** The first Node.js major version that loads better-sqlite3 13. */
export const NODE_API_DRIVER_FROM_MAJOR = 22;

/** The package name to load on a Node.js of this major version. */
export function sqliteDriverPackage(nodeMajor: number): "better-sqlite3" | "better-sqlite3-node-api" {
  return nodeMajor >= NODE_API_DRIVER_FROM_MAJOR ? "better-sqlite3-node-api" : "better-sqlite3";
}

let loaded: typeof BetterSqlite3 | undefined;

/**
 * better-sqlite3's Database constructor, from the package that works on this Node.js, loaded on first use: an
 * emulator kept in memory never loads SQLite (the container image installs only the driver for its Node.js).
 */
export function sqliteDatabase(): typeof BetterSqlite3 {
  loaded ??= createRequire(import.meta.url)(sqliteDriverPackage(Number(process.versions.node.split(".")[0]))) as typeof BetterSqlite3;
  return loaded;
}
