// The app hosts these tests start share one Azurite account and its fixed queues (events, signals):
// run test classes one after another so that exactly one host consumes a queue at a time, as one
// Function App would, instead of several test hosts competing for (and retrying) each other's messages.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
