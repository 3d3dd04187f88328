/** Stack configs the tests share. */
import { RawConfig } from "../../components/config/keys";
import { KEY } from "../../components/program-config";

/** A backend-only stack with external services, every external key set (GitHub left to another stack). */
export const EXTERNAL_BACKEND: RawConfig = {
  [KEY.backendVersion]: "0.1.0",
  [KEY.manageGithub]: "false",
  [KEY.backingServices]: "external",
  [KEY.databaseHost]: "db.example.org",
  [KEY.databasePassword]: "a-long-database-password",
  [KEY.rabbitmqHost]: "mq.example.org",
  [KEY.rabbitmqPassword]: "a-long-rabbitmq-password",
};
