import { Injectable } from '@nestjs/common';
import {
  TokenRpcPatterns,
  type ComponentHealth,
  type ComponentHealthListReply,
  type ComponentRef,
  type ComponentSummary,
  type UpsertComponentRequest,
} from '@wxop/contracts';
import { AmqpRpcClient } from '@wxop/messaging';

import { ComponentsError, ComponentsErrorCodes } from './components.errors';

/**
 * Component apps through the token service (the one holder of their secrets). Secrets go in through
 * upsert and never come back: the token service answers summaries without them.
 */
@Injectable()
export class ComponentsService {
  constructor(private readonly rpc: AmqpRpcClient) {}

  async list(): Promise<ComponentHealth[]> {
    const reply = await this.rpc.request<ComponentHealthListReply, Record<string, never>>(
      TokenRpcPatterns.ListComponents,
      {},
    );
    return reply.components;
  }

  health(componentAppid: string): Promise<ComponentHealth> {
    return this.rpc.request<ComponentHealth, ComponentRef>(TokenRpcPatterns.GetComponentHealth, {
      componentAppid,
    });
  }

  /** Creates a component app: all three secrets are required. Refused when it exists already. */
  async create(request: Required<UpsertComponentRequest>): Promise<ComponentSummary> {
    const existing = (await this.list()).some(
      (component) => component.componentAppid === request.componentAppid,
    );
    if (existing)
      throw new ComponentsError(
        ComponentsErrorCodes.ComponentExists,
        `component ${request.componentAppid} exists already: update it with PATCH`,
      );
    return this.upsert(request);
  }

  /** Updates the secrets given; the others are kept. The component must exist. */
  async update(request: UpsertComponentRequest): Promise<ComponentSummary> {
    await this.health(request.componentAppid); // COMPONENT_NOT_FOUND (404) when unknown
    return this.upsert(request);
  }

  private upsert(request: UpsertComponentRequest): Promise<ComponentSummary> {
    return this.rpc.request<ComponentSummary, UpsertComponentRequest>(
      TokenRpcPatterns.UpsertComponent,
      request,
    );
  }
}
