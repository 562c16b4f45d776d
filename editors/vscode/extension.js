// The Rapport extension's client: starts `rapport lsp` for .scenario files and restarts it
// on demand. Everything else (diagnostics, completion, navigation, formatting, fixes) is the
// server's; this file only connects VS Code to it.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function start() {
  const config = vscode.workspace.getConfiguration('rapport');
  const args = ['lsp'];
  const root = config.get('root');
  if (root) {
    args.push('--root', root);
  }
  const server = { command: config.get('path') || 'rapport', args };
  client = new LanguageClient(
    'rapport',
    'Rapport',
    { run: server, debug: server },
    {
      documentSelector: [{ scheme: 'file', language: 'rapport-scenario' }],
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher('**/*.scenario'),
      },
    },
  );
  return client.start();
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('rapport.restartServer', async () => {
      if (client) {
        await client.stop();
      }
      await start();
    }),
  );
  await start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
