/**
 * The default allow-list of callback hosts: where Power Platform's webhook callback URLs (and the URLs of
 * flows' "When an HTTP request is received" trigger) live, in every cloud. The one place these hosts are kept.
 *
 * Sources, checked in December 2026:
 * - Microsoft Learn, "IP address configuration for Power Automate", section 'Allow users on your network to use
 *   "When an HTTP request is received" trigger': the classic `*.logic.azure.com` (public), `*.logic.azure.us`
 *   (US Government: GCC, GCC High, DoD) and `*.logic.azure.cn` (21Vianet, China), and the Power Platform API
 *   domains of each cloud: `api.powerplatform.com`, `api.gov.powerplatform.microsoft.us` (GCC),
 *   `api.high.powerplatform.microsoft.us` (GCC High), `api.appsplatform.us` (DoD) and
 *   `api.powerplatform.partner.microsoftonline.cn` (21Vianet).
 * - Flow trigger URLs moved in 2025 from `*.logic.azure.com` to environment endpoints of the form
 *   `<environment id>.<2 characters>.environment.<Power Platform API domain>` (for example
 *   `default<id>.08.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/...`). Microsoft's
 *   Copilot Studio client in the Microsoft 365 Agents SDK (its `PowerPlatformCloud` environment endpoints) builds
 *   the same `environment.` form on each cloud's API domain listed above.
 *
 * The list is narrower than the firewall guidance (`*.environment.api.powerplatform.com`, not every
 * `*.api.powerplatform.com` service), because a callback only ever goes to a flow's trigger.
 */
export const DEFAULT_CALLBACK_HOSTS: readonly string[] = Object.freeze([
  // Classic Logic Apps trigger hosts (prod-NN.<region>.logic.azure.*).
  "*.logic.azure.com",
  "*.logic.azure.us",
  "*.logic.azure.cn",
  // Power Platform environment endpoints.
  "*.environment.api.powerplatform.com",
  "*.environment.api.gov.powerplatform.microsoft.us",
  "*.environment.api.high.powerplatform.microsoft.us",
  "*.environment.api.appsplatform.us",
  "*.environment.api.powerplatform.partner.microsoftonline.cn",
]);

/** The exact loopback entries the embedded-emulator demo adds, so a developer can point a callback at this machine. */
export const LOOPBACK_CALLBACK_HOSTS: readonly string[] = Object.freeze(["localhost", "127.0.0.1", "::1"]);
