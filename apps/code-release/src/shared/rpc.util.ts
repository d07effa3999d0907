import { CodeReleaseError } from './code-release.errors';

/** Answers a CodeReleaseError as the RPC error with the same code (RpcRemoteError on the caller's side). */
export async function rpc<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof CodeReleaseError ? error.toRpcError() : error;
  }
}
