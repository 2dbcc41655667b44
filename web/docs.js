// The API reference page: Swagger UI (from swagger-ui-dist, served by recscore) over /openapi.json.
// validatorUrl null: Swagger UI would otherwise send the document to an online validator.

SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#api',
  validatorUrl: null,
  deepLinking: true,
  tryItOutEnabled: false,
});
