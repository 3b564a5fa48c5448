/**
 * `apiProperties.json`: how makers connect. Two connection types (connectionParameterSets): an API key,
 * or Microsoft Entra ID (OAuth). Both ask for the API's base URL, which the `dynamichosturl` policy
 * applies to every request, so one connector serves any deployment of the API.
 */
import { CONNECTOR_PUBLISHER, ICON_BRAND_COLOR } from "./metadata.js";
import type { JsonSchema } from "./schema.js";

/** The connection parameter holding the API's base URL. */
export const BASE_URL_PARAMETER = "baseUrl";
/** The API key connection parameter (matches the `api_key` security definition). */
export const API_KEY_PARAMETER = "api_key";

/** Options of {@link buildApiProperties}. */
export interface ApiPropertiesOptions {
  /** Whether the definition has triggers (adds the "triggers" capability). */
  hasTriggers: boolean;
}

const baseUrlParameter = {
  type: "string",
  uiDefinition: {
    displayName: "API base URL",
    description: "The base URL of your Service Bus Bridge deployment, such as https://bridge.contoso.com (no trailing slash).",
    tooltip: "Ask the administrator of the Service Bus Bridge service for this URL.",
    constraints: { required: "true", tabIndex: 1 },
  },
};

const apiKeySet = {
  name: "apiKey",
  uiDefinition: {
    displayName: "API key",
    description: "Connect with an API key issued by the administrator of the Service Bus Bridge service.",
  },
  parameters: {
    [BASE_URL_PARAMETER]: baseUrlParameter,
    [API_KEY_PARAMETER]: {
      type: "securestring",
      uiDefinition: {
        displayName: "API key",
        description: "The API key, sent in the X-API-Key header. Its scopes (send, listen) and entities decide what the connection may do.",
        tooltip: "Keys are issued and rotated by the administrator of the Service Bus Bridge service.",
        constraints: { required: "true", clearText: false, tabIndex: 2 },
      },
    },
  },
};

const entraIdSet = {
  name: "entraId",
  uiDefinition: {
    displayName: "Microsoft Entra ID",
    description: "Sign in with Microsoft Entra ID. The API must sit behind a gateway that validates Entra ID tokens for its app registration.",
  },
  parameters: {
    [BASE_URL_PARAMETER]: baseUrlParameter,
    token: {
      type: "oauthSetting",
      oAuthSettings: {
        identityProvider: "aad",
        clientId: "[[Set the client ID of your Entra ID app registration]]",
        scopes: [],
        redirectMode: "Global",
        redirectUrl: "https://global.consent.azure-apim.net/redirect",
        properties: { IsFirstParty: "False" },
        customParameters: {
          loginUri: { value: "https://login.microsoftonline.com" },
          tenantId: { value: "common" },
          resourceUri: { value: "[[Set the Application ID URI of the Service Bus Bridge app registration]]" },
        },
      },
      uiDefinition: {
        displayName: "Sign in with Microsoft Entra ID",
        description: "Sign in with your work account.",
        constraints: { required: "true" },
      },
    },
  },
};

/** The `apiProperties.json` document. */
export function buildApiProperties(options: ApiPropertiesOptions): JsonSchema {
  return {
    properties: {
      connectionParameterSets: {
        uiDefinition: {
          displayName: "Authentication type",
          description: "How this connection proves who it is to the Service Bus Bridge service.",
        },
        values: [apiKeySet, entraIdSet],
      },
      iconBrandColor: ICON_BRAND_COLOR,
      capabilities: options.hasTriggers ? ["actions", "triggers"] : ["actions"],
      publisher: CONNECTOR_PUBLISHER,
      policyTemplateInstances: [
        {
          templateId: "dynamichosturl",
          title: "Route to the API base URL",
          parameters: { "x-ms-apimTemplateParameter.urlTemplate": `@connectionParameters('${BASE_URL_PARAMETER}')` },
        },
      ],
    },
  };
}
