/** The body of a job's queue message: only the id; the job document holds everything else. */
export const encodeJobMessage = (jobId: string) => JSON.stringify({ jobId });

export function decodeJobMessage(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { jobId?: unknown };
    return typeof parsed.jobId === 'string' && parsed.jobId.length > 0 ? parsed.jobId : null;
  } catch {
    return null;
  }
}
