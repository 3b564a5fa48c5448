/** Swagger UI at /docs for the generated OpenAPI document, with "Authorize" for the API key. */
import { Router } from "express";
import swaggerUi from "swagger-ui-express";
import type { OpenAPIV3 } from "openapi-types";

/** The router serving Swagger UI. */
export function docsRouter(document: OpenAPIV3.Document): Router {
  const router = Router();
  router.use(
    "/",
    swaggerUi.serve,
    swaggerUi.setup(document, {
      customSiteTitle: `${document.info.title} API`,
      swaggerOptions: {
        // The key typed into "Authorize" lives only as long as the page: persisting it would write it to the
        // browser's local storage, on disk and readable by any script of this origin and anyone using the profile.
        persistAuthorization: false,
        displayRequestDuration: true,
        tryItOutEnabled: true,
        // No call to the public online validator: /docs works offline and under a strict CSP.
        validatorUrl: null,
      },
    }),
  );
  return router;
}
