// One place where errors become text and exit codes, worded as kubectl words them.
import { ApiError } from '../client/client.js';

/** An error the CLI reports as is (`error: ...` already formatted), with an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Where an object came from, for errors about a manifest. */
export interface Origin {
  verb: 'creating' | 'applying patch' | 'replacing' | 'patching' | 'deleting';
  source?: string;
  document?: number;
  line?: number;
}

function where(o: Origin | undefined): string {
  if (!o?.source) return '';
  const pos = o.document !== undefined ? ` (document ${o.document}, line ${o.line})` : '';
  return `error when ${o.verb} "${o.source}"${pos}: `;
}

/**
 * kubectl's text for an API error: `Error from server (NotFound): pods "x" not found`, and for
 * 422 Invalid the per-field form `The Pod "x" is invalid: ...` built from the Status details.
 */
export function formatApiError(e: ApiError, origin?: Origin): string {
  const s = e.status;
  if (s.reason === 'Invalid' && s.details?.kind && s.details.causes?.length) {
    const loc = origin?.source ? ` (${origin.source}${origin.document !== undefined ? `, document ${origin.document}, line ${origin.line}` : ''})` : '';
    const head = `The ${s.details.kind} "${s.details.name ?? ''}" is invalid${loc}: `;
    // kubectl joins field and message whatever the field (a policy denial names none: `: ValidatingAdmissionPolicy ...`).
    const causes = s.details.causes.map((c) => `${c.field ?? ''}: ${c.message}`);
    return causes.length === 1 ? head + causes[0] : head + '\n' + causes.map((c) => `* ${c}`).join('\n');
  }
  if (s.reason === 'Invalid' && !s.details?.kind && !s.details?.name && s.details?.causes?.length) {
    // kubectl's checkErr: no object named, every cause as `field: message` (an empty field too).
    const causes = [...new Set(s.details.causes.map((c) => `${c.field ?? ''}: ${c.message}`))];
    return causes.length === 1 ? `The request is invalid: ${causes[0]}` : `The request is invalid: \n${causes.map((c) => `* ${c}`).join('\n')}`;
  }
  if (!s.reason) return `Error from server: ${where(origin)}${s.message ?? ''}`;
  return `Error from server (${s.reason}): ${where(origin)}${s.message ?? ''}`;
}

/** The text of any error, as the CLI prints it on stderr. */
export function formatError(e: unknown, origin?: Origin): string {
  if (e instanceof ApiError) return formatApiError(e, origin);
  if (e instanceof CliError) return e.message;
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ECONNREFUSED') return 'error: the minik daemon is not reachable (connection refused); see `minikctl daemon status`';
  if (err?.code === 'ECONNRESET' || err?.code === 'EPIPE') return 'error: the minik daemon is not reachable (connection reset); see `minikctl daemon status`';
  return `error: ${err?.message ?? String(e)}`;
}
