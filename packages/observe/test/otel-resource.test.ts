import { describe, expect, it } from 'vitest'
import { ATTR_DEPLOYMENT_ENVIRONMENT_NAME, buildOtelResource } from '../src/otel-resource.js'

describe('buildOtelResource', () => {
  it('always sets service.name and nothing else when only serviceName is given', () => {
    expect(buildOtelResource({ serviceName: 'shop-api' }).attributes).toEqual({
      'service.name': 'shop-api',
    })
  })

  it('sets service.version and deployment.environment.name when they are strings', () => {
    const resource = buildOtelResource({ serviceName: 's', version: '1.2.3', environment: 'prod' })
    expect(resource.attributes).toEqual({
      'service.name': 's',
      'service.version': '1.2.3',
      'deployment.environment.name': 'prod',
    })
    expect(ATTR_DEPLOYMENT_ENVIRONMENT_NAME).toBe('deployment.environment.name')
  })

  it('omits version and environment when they are not strings', () => {
    const resource = buildOtelResource({ serviceName: 's', version: 3, environment: null } as never)
    expect(resource.attributes).toEqual({ 'service.name': 's' })
  })

  it('merges attributes after the standard keys so they override them', () => {
    const resource = buildOtelResource({
      serviceName: 's',
      version: '1',
      attributes: { 'service.version': 'override', 'host.role': 'api', shard: 2 },
    })
    expect(resource.attributes).toEqual({
      'service.name': 's',
      'service.version': 'override',
      'host.role': 'api',
      shard: 2,
    })
  })

  it('ignores attributes that are null or not an object', () => {
    expect(buildOtelResource({ serviceName: 's', attributes: null } as never).attributes).toEqual({
      'service.name': 's',
    })
  })
})
