/** Stack config shared by everything this program does on GitHub. */
import { key } from "../config/keys";
import { GITHUB_LOGIN_ALLOWED, githubLogin } from "../config/rules";

export const githubConfig = {
  githubOwner: key({
    schema: githubLogin.default("DiamondLightSource"),
    type: "string",
    description: "GitHub organisation (or user) that owns the managed repositories.",
    allowed: GITHUB_LOGIN_ALLOWED,
  }),
} as const;
