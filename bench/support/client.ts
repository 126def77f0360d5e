import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
/** Where a benchmark reaches the service: its GraphQL endpoint, with an operator's API key. */
export interface ServiceClient {
  url: string;
  operatorKey: string;
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

function unwrap<T>(answer: GraphQLAnswer<T>, what: string): T {
  if (answer.errors?.length || !answer.data) {
    throw new Error(`${what}: ${JSON.stringify(answer.errors ?? answer).slice(0, 1000)}`);
  }
  return answer.data;
}

/** A GraphQL call with the operator's key, as a client makes it; throws on any error. */
export async function graphql<T>(service: ServiceClient, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(service.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${service.operatorKey}` },
    body: JSON.stringify({ query, variables }),
  });
  return unwrap((await response.json()) as GraphQLAnswer<T>, query.trim().split('\n')[0]!);
}

/**
 * A GraphQL multipart upload (the spec graphql-upload implements) of the file at `path`,
 * streamed from disk: the client does not hold the file in this process's memory.
 */
export async function upload<T>(
  service: ServiceClient,
  query: string,
  variables: Record<string, unknown>,
  path: string,
): Promise<T> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { ...variables, file: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', await openAsBlob(path), basename(path));
  const response = await fetch(service.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${service.operatorKey}`, 'apollo-require-preflight': 'true' },
    body: form,
  });
  return unwrap((await response.json()) as GraphQLAnswer<T>, query.trim().split('\n')[0]!);
}

export interface FinishedJob {
  id: string;
  status: string;
  stats: Record<string, unknown>;
  result: unknown;
  error: { code: string; message: string } | null;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Polls the job until it ends; throws unless it SUCCEEDED. */
export async function finishedJob(service: ServiceClient, id: string, pollMs = 100): Promise<FinishedJob> {
  for (;;) {
    const { job } = await graphql<{ job: FinishedJob | null }>(
      service,
      `
        query ($id: ID!) {
          job(id: $id) {
            id
            status
            stats
            result
            error {
              code
              message
            }
            startedAt
            finishedAt
          }
        }
      `,
      { id },
    );
    if (!job) throw new Error(`job ${id} not found`);
    if (job.status === 'SUCCEEDED') return job;
    if (job.status === 'FAILED' || job.status === 'CANCELLED') {
      throw new Error(`job ${id} ${job.status}: ${JSON.stringify(job.error)} ${JSON.stringify(job.stats)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
