// A real Mailpit process (SMTP server + HTTP API) for the e-mail tests,
// built once by `make mailpit` into ${XDG_CACHE_HOME:-~/.cache}/jangkau-tools
// (internal/testapp/mailpit.go is the Go side of the same).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './jangkau.mjs';

export const MAILPIT_VERSION = 'v1.33.1';

export function mailpitBin() {
  if (process.env.JANGKAU_MAILPIT) return process.env.JANGKAU_MAILPIT;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'jangkau-tools', `mailpit-${MAILPIT_VERSION}`, 'mailpit');
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

/** Starts Mailpit on free ports; returns { smtpPort, api, messages, waitMessage, stop }. */
export async function startMailpit() {
  const bin = mailpitBin();
  if (!existsSync(bin)) throw new Error(`Mailpit ${MAILPIT_VERSION} is not built at ${bin}: run \`make mailpit\``);
  const dir = await mkdtemp(join(tmpdir(), 'jangkau-mailpit-'));
  const smtpPort = await freePort();
  const httpPort = await freePort();
  const proc = spawn(bin, ['--smtp', `127.0.0.1:${smtpPort}`, '--listen', `127.0.0.1:${httpPort}`, '--database', join(dir, 'mail.db'),
    '--smtp-auth-accept-any', '--smtp-auth-allow-insecure', '--disable-version-check', '--quiet'], { stdio: 'ignore' });
  const exited = new Promise((r) => proc.on('exit', r));
  const api = `http://127.0.0.1:${httpPort}`;
  await until(async () => (await fetch(api + '/api/v1/messages')).ok, 'Mailpit to answer');
  const messages = async (to) => {
    const r = await (await fetch(api + '/api/v1/messages?limit=200')).json();
    return (r.messages || []).filter((m) => !to || m.To.some((a) => a.Address.toLowerCase() === to.toLowerCase()));
  };
  return {
    smtpPort,
    api,
    messages,
    /** The newest message to `to` (waits for it), read whole: { Subject, HTML, Text }. */
    async waitMessage(to) {
      const [m] = await until(async () => { const l = await messages(to); return l.length ? l : null; }, `an e-mail to ${to}`);
      return (await fetch(`${api}/api/v1/message/${m.ID}`)).json();
    },
    async stop() {
      proc.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Points a started Jangkau server's mailer at Mailpit (PocketBase settings, as a superuser would). */
export async function useMailpit(server, mp) {
  await server.api('PATCH', '/api/settings', server.superToken, {
    meta: { senderAddress: 'noreply@uji.jangkau.id', senderName: 'Jangkau' },
    smtp: { enabled: true, host: '127.0.0.1', port: mp.smtpPort, tls: false },
  });
}
