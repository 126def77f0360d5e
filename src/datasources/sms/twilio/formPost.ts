import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** An answer read whole: Twilio's bodies are small JSON documents. */
export interface FormAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * POSTs forms to one API over kept-alive connections with node's http client. A wave sends a
 * thousand texts a second: fetch spends several times the CPU of the request itself per call
 * (web streams for each body, a transferable signal per timeout), which the sender cannot afford.
 * A request with no whole answer within `timeoutMs` fails with a TimeoutError.
 */
export class FormPoster {
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;

  constructor(baseUrl: string) {
    const https = new URL(baseUrl).protocol === 'https:';
    this.agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.send = https ? httpsRequest : httpRequest;
  }

  post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<FormAnswer> {
    return new Promise((resolve, reject) => {
      const request = this.send(
        url,
        { method: 'POST', agent: this.agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
          });
          response.on('end', () => {
            clearTimeout(timer);
            resolve({ status: response.statusCode ?? 0, headers: response.headers, text });
          });
          response.on('error', fail);
        },
      );
      const timer = setTimeout(() => {
        const timeout = new Error(`no answer within ${timeoutMs} ms`);
        timeout.name = 'TimeoutError';
        request.destroy(timeout);
      }, timeoutMs);
      function fail(error: Error) {
        clearTimeout(timer);
        reject(error);
      }
      request.on('error', fail);
      request.end(body);
    });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}

/** A fetch Response of an answer, for the error reading that takes one (twilioHttpError). */
export function responseOf(answer: FormAnswer): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return new Response(answer.text, { status: answer.status, headers });
}
