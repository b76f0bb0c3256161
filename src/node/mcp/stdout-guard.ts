// Stdout is the MCP stdio channel: one stray console.log would corrupt it. Imported first by main.ts,
// so even modules that log while loading write to stderr.
console.log = console.error;
console.info = console.error;
console.debug = console.error;
