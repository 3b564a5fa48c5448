// Module resolution hooks of import-recorder.mjs (they run on the loader thread).
import { appendFileSync } from "node:fs";

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  const log = process.env.IMPORT_RECORDER_LOG;
  if (log) appendFileSync(log, `${result.url}\n`);
  return result;
}
