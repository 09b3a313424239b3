/**
 * The document's training settings (epochs, batch size, seed, optimizer, clipping, target loss,
 * learning-rate schedule, validation split, early stopping, truncated BPTT, gradient norms over
 * time) through SchemaForm. Fields left empty show the value the trainer uses; every change goes
 * to `store.setTraining`, so it is undoable and saved with the graph.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { TrainingSettings } from '../../engine/graph/schema.ts';
import { SchemaForm } from '../forms/SchemaForm.tsx';
import { zodValidator } from '../forms/zod-validator.ts';
import { useDocument, useDocumentStore } from '../store/context.tsx';
import {
  groupPreset,
  settingsHelpKeys,
  settingsLabelKeys,
  settingsOptionKey,
  trainingFormSchema,
  trainingFromForm,
  trainingValue,
  variantPresets,
} from './training-form.ts';

const schema = trainingFormSchema();
const validate = zodValidator(TrainingSettings);

export function SettingsSection() {
  const { t, i18n } = useTranslation('training');
  const store = useDocumentStore();
  const settings = useDocument((s) => s.doc.training);
  const value = useMemo(() => trainingValue(settings), [settings]);
  const presets = useMemo(() => variantPresets(settings), [settings]);
  const translated = (key: string): string | undefined => (i18n.exists(key, { ns: 'training' }) ? t(key) : undefined);
  const first = (keys: readonly string[]): string | undefined => keys.map(translated).find((text) => text !== undefined);

  return (
    <section className="training-section" aria-labelledby="training-settings-heading">
      <h3 id="training-settings-heading" className="training-heading">
        {t('section.settings')}
      </h3>
      <SchemaForm
        schema={schema}
        value={value}
        idPrefix="training"
        validate={validate}
        variantDefaults={presets}
        groupDefaults={groupPreset}
        onChange={(next) => {
          const parsed = trainingFromForm(next);
          if (parsed) store.getState().setTraining(parsed.settings);
        }}
        label={(key) => first(settingsLabelKeys(key))}
        help={(key) => first(settingsHelpKeys(key))}
        optionLabel={(key, option) => translated(settingsOptionKey(key, option))}
      />
    </section>
  );
}
