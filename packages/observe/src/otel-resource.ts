import { resourceFromAttributes, type Resource } from '@opentelemetry/resources'
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions'

/**
 * The semantic-conventions key for the deployment environment. It is still in the incubating
 * entry of `@opentelemetry/semantic-conventions`, so it is spelled out here instead of importing
 * that large module.
 */
export const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name'

/** A value an OpenTelemetry resource attribute may hold. */
export type OtelAttributeValue = string | number | boolean

/** What {@link buildOtelResource} builds a resource from. Metrics and tracing pass the same. */
export interface OtelResourceOptions {
  /** `service.name`, always set. */
  readonly serviceName: string
  /** `service.version`, set only when a string. @default undefined (omitted) */
  readonly version?: string | undefined
  /** `deployment.environment.name`, set only when a string. @default undefined (omitted) */
  readonly environment?: string | undefined
  /**
   * Attributes merged first, so every other option overrides them: what `OTEL_RESOURCE_ATTRIBUTES`
   * gives. @default undefined (none)
   */
  readonly baseAttributes?: Readonly<Record<string, OtelAttributeValue>> | undefined
  /**
   * Extra resource attributes, merged after the standard keys so they can override them.
   * @default undefined (none)
   */
  readonly attributes?: Readonly<Record<string, OtelAttributeValue>> | undefined
}

/**
 * Builds the one OpenTelemetry `Resource` that metrics and tracing share, so the two SDKs describe
 * the service the same way.
 *
 * @example
 * const resource = buildOtelResource({ serviceName: 'shop-api', version: '1.4.0', environment: 'production' })
 * resource.attributes['service.name'] // 'shop-api'
 */
export function buildOtelResource(options: OtelResourceOptions): Resource {
  const attributes: Record<string, OtelAttributeValue> = {
    ...options.baseAttributes,
    [ATTR_SERVICE_NAME]: options.serviceName,
  }
  if (typeof options.version === 'string') attributes[ATTR_SERVICE_VERSION] = options.version
  if (typeof options.environment === 'string') {
    attributes[ATTR_DEPLOYMENT_ENVIRONMENT_NAME] = options.environment
  }
  if (typeof options.attributes === 'object' && options.attributes !== null) {
    Object.assign(attributes, options.attributes)
  }
  return resourceFromAttributes(attributes)
}
