// Deployments: a /status write resets only spec and labels, so the Deployment controller records
// the revision annotation with the status in one write (pkg/registry/apps/deployment/strategy.go).
import { defineStrategy } from './strategy.js';

defineStrategy(['Deployment'], { statusTakesAnnotations: true });
