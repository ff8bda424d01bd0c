// Vigie's local Serverless plugin (a file of this repository, no npm dependency; v3, osls, v4).
//
// - Packaging: runs scripts/build-lambda.sh first, so `serverless package` and `serverless deploy`
//   always ship a package built from the current code and lock (serverless.yml points
//   `package.artifact` at its output).
// - `serverless offline`: CloudFormation references in the environment (the table's Ref, the
//   region) cannot be resolved without a stack, so they are taken from the local environment
//   instead (VIGIE_TABLE_NAME, VIGIE_REGION, ...), and the package is not unpacked: the emulator
//   runs Python handlers from the source tree whatever the artifact holds.
"use strict";

const { spawnSync } = require("node:child_process");
const path = require("node:path");

class VigiePlugin {
  constructor(serverless) {
    this.serverless = serverless;
    const build = () => this.buildPackage();
    const offline = () => this.prepareOffline();
    this.hooks = {
      "before:package:createDeploymentArtifacts": build,
      // `serverless deploy function -f api` packages one function only.
      "before:package:function:package": build,
      // `serverless offline` and `serverless offline start`.
      "before:offline:start": offline,
      "before:offline:start:init": offline,
    };
  }

  buildPackage() {
    const serviceDir = this.serverless.serviceDir || this.serverless.config.servicePath;
    const script = path.join(serviceDir, "scripts", "build-lambda.sh");
    const result = spawnSync("bash", [script], { cwd: serviceDir, stdio: "inherit" });
    if (result.status !== 0) {
      const reason = result.error ? result.error.message : `exit code ${result.status}`;
      throw new this.serverless.classes.Error(`scripts/build-lambda.sh failed: ${reason}`);
    }
  }

  prepareOffline() {
    const service = this.serverless.service;
    const environments = [
      service.provider.environment,
      ...Object.values(service.functions || {}).map((fn) => fn.environment),
    ];
    for (const environment of environments.filter(Boolean)) {
      for (const [name, value] of Object.entries(environment)) {
        if (typeof value !== "object" || value === null) continue;
        // Deleted, the variable reaches the handler from this process's environment, if set.
        delete environment[name];
      }
    }
    if (service.package) delete service.package.artifact;
  }
}

module.exports = VigiePlugin;
