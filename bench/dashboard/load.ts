import autocannon from 'autocannon';

/** What one load of one request gave: rates, latencies and every kind of failure. */
export interface Load {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers, connection errors, time-outs and 200 answers carrying GraphQL errors. */
  errors: number;
  requests: number;
  seconds: number;
}

/** `connections` clients sending the same POST back to back for `seconds`. */
export async function load(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { seconds: number; connections: number },
): Promise<Load> {
  let graphqlErrors = 0;
  const allHeaders = { 'content-type': 'application/json', ...headers };
  const result = await autocannon({
    url,
    method: 'POST',
    body,
    headers: allHeaders,
    duration: options.seconds,
    connections: options.connections,
    requests: [
      {
        method: 'POST',
        body,
        headers: allHeaders,
        onResponse: (status: number, responseBody: string) => {
          if (status === 200 && responseBody.includes('"errors":')) graphqlErrors += 1;
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts + graphqlErrors,
    requests: result.requests.total,
    seconds: result.duration,
  };
}
