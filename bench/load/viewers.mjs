// The decide bodies both load scripts send: defaultViewers by default, each once, in random order, with
// a random device and geo. Built before a run: building one per request would spend the load generator's
// CPU (on the same 2 cores as the host) on JSON.stringify and make decide look slower.
// Enough viewers that none reaches the demo campaign's cap of 20 decides a day in loadtest.mjs's run
// (warm-up and saturation of 20 s each, then ~55 s at 1,000 req/s) below ~55,000 req/s: a capped viewer
// gets the cheaper default creative, and the run would measure that instead of personalized decisions.
// 30,000 were enough until decide passed ~12,000 req/s; it has since reached 25,000+ req/s here.
export const defaultViewers = 120000;

const geos = ['NL-AMS', 'GB-LND', 'US-NYC', 'DE-BER', 'FR-PAR'];

const bodyFor = (viewer) => JSON.stringify({
  campaignId: 'demo',
  viewerId: 'viewer-' + viewer,
  consent: { advertising: true, personalization: true },
  context: { device: Math.random() < 0.6 ? 'mobile' : 'desktop', geo: geos[Math.floor(Math.random() * geos.length)], pageCategory: 'fashion' },
});

export function decideBodies(viewers) {
  const order = Array.from({ length: viewers }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }

  return order.map(bodyFor);
}

// Each connection cycles through its own slice of the viewers with requests autocannon builds once, as it
// does for ping: a per-request setupRequest callback would rebuild every request in the load generator.
export function decideOptions(base, key, bodies, connections) {
  let nextConnection = 0;
  return {
    url: `${base}/api/decide`,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-functions-key': key },
    body: bodies[0],
    setupClient: (client) => {
      const k = nextConnection++ % connections;
      client.setRequests(bodies.filter((_, i) => i % connections === k).map((body) => ({ body })));
    },
  };
}
