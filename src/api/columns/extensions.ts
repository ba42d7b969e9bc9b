// Printer columns of the API's extension kinds: CustomResourceDefinitions and the admission
// configuration kinds (as the apiextensions table convertor and kubectl's printers show them).
import type { CustomResourceDefinition, MutatingWebhookConfiguration, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding, ValidatingWebhookConfiguration } from '../types.js';
import { type Column, ageColumn, nameColumn } from './column.js';

export const crdColumns: Column<CustomResourceDefinition>[] = [
  nameColumn,
  { header: 'CREATED AT', value: (o) => o.metadata.creationTimestamp ?? '', type: 'date' },
];

export const webhookConfigurationColumns: Column<ValidatingWebhookConfiguration | MutatingWebhookConfiguration>[] = [
  nameColumn,
  { header: 'WEBHOOKS', value: (o) => (o.webhooks ?? []).length, type: 'integer' },
  ageColumn,
];

export const validatingAdmissionPolicyColumns: Column<ValidatingAdmissionPolicy>[] = [
  nameColumn,
  { header: 'VALIDATIONS', value: (o) => (o.spec?.validations ?? []).length, type: 'integer' },
  { header: 'PARAMKIND', value: (o) => (o.spec?.paramKind ? `${o.spec.paramKind.apiVersion ?? ''}/${o.spec.paramKind.kind ?? ''}` : '<unset>') },
  ageColumn,
];

export const validatingAdmissionPolicyBindingColumns: Column<ValidatingAdmissionPolicyBinding>[] = [
  nameColumn,
  { header: 'POLICYNAME', value: (o) => o.spec?.policyName ?? '' },
  {
    header: 'PARAMREF',
    value: (o) => {
      const p = o.spec?.paramRef;
      if (!p) return '<unset>';
      const name = p.name ?? (p.selector ? '*' : '');
      return p.namespace ? `${p.namespace}/${name}` : name;
    },
  },
  ageColumn,
];
