// The resources of main.bicep, in its resource group.
param location string
param tags object
param resourceToken string
param entities object
@secure()
param apiKeysJson string
param entraTenantId string
param entraAudience string
param grantDataOwner bool
param maxReplicas int

// Built-in role definition ids.
var serviceBusDataSender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
var serviceBusDataReceiver = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
var serviceBusDataOwner = '090c5cfd-751d-490a-894a-3ce6f1109419'
var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

var queues = entities.?queues ?? []
var topics = entities.?topics ?? []
var subscriptions = flatten(map(topics, topic => map(topic.?subscriptions ?? [], subscription => { topic: topic.name, name: subscription })))

// The API's configuration file: the exposed entities, the key hashes, and Entra ID when configured.
var bridgeConfig = union(
  {
    entities: {
      // bridge-control carries the API's own session forwarding between replicas: never exposed to callers.
      queues: map(filter(queues, queue => queue.name != 'bridge-control'), queue => queue.name)
      topics: map(topics, topic => { name: topic.name, subscriptions: topic.?subscriptions ?? [] })
    }
    apiKeys: json(apiKeysJson)
  },
  empty(entraTenantId) ? {} : { auth: { entraId: { tenantId: entraTenantId, audience: entraAudience } } }
)

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-bridge-${resourceToken}'
  location: location
  tags: tags
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-bridge-${resourceToken}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-bridge-${resourceToken}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: 'sb-bridge-${resourceToken}'
  location: location
  tags: tags
  // Standard: topics and subscriptions.
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    // Microsoft Entra ID only: the identity's data roles, no shared access keys.
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource queueResources 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = [for queue in queues: {
  parent: namespace
  name: queue.name
  properties: {
    requiresSession: queue.?requiresSession ?? false
    requiresDuplicateDetection: queue.?requiresDuplicateDetection ?? false
    lockDuration: 'PT1M'
    maxDeliveryCount: 10
  }
}]

resource topicResources 'Microsoft.ServiceBus/namespaces/topics@2022-10-01-preview' = [for topic in topics: {
  parent: namespace
  name: topic.name
}]

resource subscriptionResources 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2022-10-01-preview' = [for subscription in subscriptions: {
  name: '${namespace.name}/${subscription.topic}/${subscription.name}'
  properties: {
    lockDuration: 'PT1M'
    maxDeliveryCount: 10
  }
  dependsOn: [ topicResources ]
}]

// Send and receive on the whole namespace; Data Owner (management: counts, subscriptions) only when asked for.
var namespaceRoles = concat([ serviceBusDataSender, serviceBusDataReceiver ], grantDataOwner ? [ serviceBusDataOwner ] : [])
resource namespaceRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in namespaceRoles: {
  name: guid(namespace.id, identity.id, role)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: 'crbridge${resourceToken}'
  location: location
  tags: tags
  sku: { name: 'Basic' }
  properties: { adminUserEnabled: false }
}

resource registryPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: 'cae-bridge-${resourceToken}'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

resource api 'Microsoft.App/containerApps@2024-03-01' = {
  name: 'ca-bridge-${resourceToken}'
  location: location
  // azd deploys the image built from the Dockerfile to the app carrying this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 3000
        transport: 'http'
        allowInsecure: false
      }
      registries: [ { server: registry.properties.loginServer, identity: identity.id } ]
      secrets: [
        { name: 'bridge-config', value: string(bridgeConfig) }
        { name: 'appinsights-connection-string', value: appInsights.properties.ConnectionString }
      ]
    }
    template: {
      containers: [
        {
          name: 'api'
          // Replaced by `azd deploy` with the image built from the Dockerfile.
          image: 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: [
            { name: 'PORT', value: '3000' }
            { name: 'SERVICEBUS_NAMESPACE', value: '${namespace.name}.servicebus.windows.net' }
            // DefaultAzureCredential picks the user-assigned identity by its client id.
            { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
            { name: 'CONFIG_FILE', value: '/config/bridge.json' }
            { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', secretRef: 'appinsights-connection-string' }
          ]
          volumeMounts: [ { volumeName: 'config', mountPath: '/config' } ]
          probes: [
            { type: 'Liveness', httpGet: { path: '/healthz', port: 3000 }, periodSeconds: 30 }
            { type: 'Readiness', httpGet: { path: '/readyz', port: 3000 }, periodSeconds: 10 }
          ]
        }
      ]
      volumes: [
        { name: 'config', storageType: 'Secret', secrets: [ { secretRef: 'bridge-config', path: 'bridge.json' } ] }
      ]
      scale: {
        minReplicas: 1
        maxReplicas: maxReplicas
        rules: [ { name: 'http', http: { metadata: { concurrentRequests: '50' } } } ]
      }
    }
  }
  dependsOn: [ namespaceRoleAssignments, registryPull ]
}

output registryLoginServer string = registry.properties.loginServer
output apiUri string = 'https://${api.properties.configuration.ingress.fqdn}'
output serviceBusHost string = '${namespace.name}.servicebus.windows.net'
output identityClientId string = identity.properties.clientId
