/** The webhook configurations (service mode) written to manifests/webhook/. */
export function webhookConfigurationFiles(): Array<[string, unknown]> {
  return [];
}
