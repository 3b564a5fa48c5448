// Service Bus Bridge on Azure Container Apps: `azd up` (azure.yaml) or `az deployment sub create` (README, "Deploy to Azure").
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('The azd environment name; names the resource group and the resources.')
param environmentName string

@minLength(1)
@description('Azure region of every resource.')
param location string

@description('Service Bus entities to create and expose through the API. bridge-control is the session-enabled queue the API uses to forward session calls between instances.')
param entities object = {
  queues: [
    { name: 'orders', requiresSession: false }
    { name: 'bridge-control', requiresSession: true }
  ]
  topics: [
    { name: 'order-events', subscriptions: [ 'billing', 'analytics' ] }
  ]
}

@secure()
@description('The API keys as JSON: [{"name":"flows","sha256":"<sha256 hex of the key>","scopes":["send","listen"],"entities":["*"]}]. Only hashes: the keys themselves never reach Azure.')
param apiKeysJson string = '[]'

@description('Microsoft Entra ID: the tenant whose access tokens the API accepts (empty: API keys only).')
param entraTenantId string = ''

@description('Microsoft Entra ID: the API app registration\'s Application ID URI or client id (the tokens\' audience).')
param entraAudience string = ''

@description('Grant the identity Azure Service Bus Data Owner on the namespace: needed for backlog counts and creating or deleting subscriptions; without it lists have no counts and those operations answer 503.')
param grantDataOwner bool = true

@description('Most replicas; sessions are held by the replica that accepted them.')
@minValue(1)
param maxReplicas int = 3

var tags = { 'azd-env-name': environmentName }

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module resources 'resources.bicep' = {
  name: 'service-bus-bridge'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    resourceToken: toLower(uniqueString(subscription().id, environmentName, location))
    entities: entities
    apiKeysJson: apiKeysJson
    entraTenantId: entraTenantId
    entraAudience: entraAudience
    grantDataOwner: grantDataOwner
    maxReplicas: maxReplicas
  }
}

// Read by azd: where to push the image, and what to show after `azd up`.
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = resources.outputs.registryLoginServer
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output SERVICE_API_URI string = resources.outputs.apiUri
output SERVICEBUS_NAMESPACE string = resources.outputs.serviceBusHost
output AZURE_CLIENT_ID string = resources.outputs.identityClientId
