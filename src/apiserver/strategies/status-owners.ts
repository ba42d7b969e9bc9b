// Kinds whose status is not reset on create or update: Nodes (their kubelet writes status with the
// object), Events (no status), and volumes and claims (their status is the binder's, taken as sent
// on create).
import { defineStrategy } from './strategy.js';

defineStrategy(['Node'], { keepsStatusOnCreate: true, updateTakesStatus: true });
defineStrategy(['Event', 'PersistentVolume', 'PersistentVolumeClaim'], { keepsStatusOnCreate: true });
