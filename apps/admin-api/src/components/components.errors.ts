import { AdminApiError } from '../shared/admin-api.errors';

export const ComponentsErrorCodes = {
  ComponentExists: 'component_exists',
  NothingToUpdate: 'nothing_to_update',
} as const;
export type ComponentsErrorCode = (typeof ComponentsErrorCodes)[keyof typeof ComponentsErrorCodes];

/** HTTP status per code; exhaustive, so a new code that is not mapped fails the type check. */
export const COMPONENTS_ERROR_STATUS: Record<ComponentsErrorCode, number> = {
  [ComponentsErrorCodes.ComponentExists]: 409,
  [ComponentsErrorCodes.NothingToUpdate]: 400,
};

export class ComponentsError extends AdminApiError {
  constructor(code: ComponentsErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, COMPONENTS_ERROR_STATUS[code], message, details);
    this.name = 'ComponentsError';
  }
}
