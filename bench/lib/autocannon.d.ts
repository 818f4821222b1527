/** The slice of autocannon's programmatic API the bench uses (the package ships no types). */
declare module 'autocannon' {
  interface Histogram { average: number; p50: number; p99: number; min: number; max: number }
  interface Result {
    duration: number;
    errors: number;
    non2xx: number;
    latency: Histogram;
    requests: Histogram & { total: number };
    '2xx': number;
  }
  function autocannon(opts: { url: string; connections?: number; duration?: number; pipelining?: number }): Promise<Result>;
  export default autocannon;
}
