/**
 * The document's training settings (epochs, batch size, seed, optimizer, clipping, target loss)
 * through SchemaForm. Fields left empty show the value the trainer uses; every change goes to
 * `store.setTraining`, so it is undoable and saved with the graph.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { TrainingSettings } from '../../engine/graph/schema.ts';
import { SchemaForm } from '../forms/SchemaForm.tsx';
import { zodValidator } from '../forms/zod-validator.ts';
import { useDocument, useDocumentStore } from '../store/context.tsx';
import { optimizerPreset, settingsHelpKey, settingsLabelKey, trainingFormSchema, trainingFromForm, trainingValue } from './training-form.ts';

const schema = trainingFormSchema();
const validate = zodValidator(TrainingSettings);

export function SettingsSection() {
  const { t } = useTranslation('training');
  const store = useDocumentStore();
  const settings = useDocument((s) => s.doc.training);
  const value = useMemo(() => trainingValue(settings), [settings]);

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
        variantDefaults={optimizerPreset}
        onChange={(next) => {
          const parsed = trainingFromForm(next);
          if (parsed) store.getState().setTraining(parsed.settings);
        }}
        label={(key) => t(settingsLabelKey(key))}
        help={(key) => t(settingsHelpKey(key))}
      />
    </section>
  );
}
