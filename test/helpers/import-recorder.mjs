// `node --import ./test/helpers/import-recorder.mjs ...`: appends the URL of every module the process imports
// (ES module resolution) to the file named by IMPORT_RECORDER_LOG, so a test can tell what a process loaded.
import { register } from "node:module";

register("./import-recorder-hooks.mjs", import.meta.url);
