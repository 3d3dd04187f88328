/**
 * Fixed names and ports of the backend's Kubernetes objects: the ones operators,
 * runbooks and other manifests already use. One place, used by every builder.
 */
export const OBJECT_NAMES = {
  api: "smartem-http-api",
  apiService: "smartem-http-api-service",
  worker: "smartem-worker",
  postgres: "smartem-postgres",
  rabbitmq: "smartem-rabbitmq",
} as const;

/** The port uvicorn listens on in every api pod (HTTP_API_PORT). */
export const API_PORT = 8000;
/** The port of the api Service. */
export const API_SERVICE_PORT = 80;

/** The package (and extra) the image installs: the pin names it in every object. */
export const BACKEND_PACKAGE = "smartem-decisions";
export const BACKEND_EXTRAS = ["backend"] as const;

/** The name the program gives its Backend (its children's names start with it). */
export const BACKEND_RESOURCE_NAME = "smartem";

/** The Pulumi resource name of the migration Job of the Backend component named `backend`. */
export function migrationJobResourceName(backend: string): string {
  return `${backend}-migrate`;
}
