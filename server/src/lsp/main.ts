// Process entry of the language server for clients that start a Node module (the VS Code extension:
// `node dist/src/lsp/main.js --node-ipc`). Other editors run `pg-preflight lsp --stdio`.
import { runLanguageServer } from './server';

runLanguageServer();
