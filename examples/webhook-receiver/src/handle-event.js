/**
 * Your code goes here. Called once per event id (duplicates never reach it), after the sender
 * was answered 200, with the envelope (CONTRACT.md §2: id, type, occurredAt, componentAppid,
 * authorizerAppid, data, …) and what the request said about it.
 *
 * The answer has already been sent, so an error here does not make wxop retry: for work that
 * must not be lost, store the envelope durably first (see README, "Going to production").
 */
export async function handleEvent(envelope, delivery) {
  // e.g. if (envelope.type === 'authorization.authorized') await accounts.activate(envelope.authorizerAppid);
  void envelope;
  void delivery;
}
