/** Text about runs from files: opened models, going on training from weights, and runs a crash interrupted. */
export const modelRunText = {
  en: {
    origin: {
      model: 'Opened from a model file',
      checkpoint: 'Interrupted; opened from its checkpoint',
    },
    continue: {
      fromWeights: 'Train on from these weights',
      fromWeightsTitle: 'Start a new run of this graph from the finished run’s weights (with a fresh optimizer)',
      fromCheckpoint: 'Resume training',
      fromCheckpointTitle: 'Go on from epoch {{epoch}}, where the run stood: the same batches, optimizer and random streams as if it had never stopped',
    },
    interrupted: {
      title: 'Interrupted runs',
      summary: '“{{name}}” stopped after epoch {{epoch}}, step {{step}} (loss {{loss}}) when the engine went down; its checkpoint was saved {{saved}}.',
      unnamed: 'A run',
      damaged: 'A checkpoint saved {{saved}} cannot be read: {{problem}}',
      resume: 'Resume',
      export: 'Export…',
      discard: 'Discard',
      resumeTitle: 'Open the run’s graph and weights and go on training from its checkpoint',
      exportTitle: 'Save the weights of the checkpoint as a model file',
      listFailed: 'Could not list the interrupted runs: {{message}}',
      openFailed: 'Could not open the checkpoint: {{message}}',
      discardFailed: 'Could not discard the checkpoint: {{message}}',
      busy: 'A run is training: stop it before resuming another.',
      unsaved: 'The open document is another graph than the run’s and has unsaved changes: save it first, then resume.',
    },
  },
  zh: {
    origin: {
      model: '从模型文件打开',
      checkpoint: '已中断；从其检查点打开',
    },
    continue: {
      fromWeights: '从这些权重继续训练',
      fromWeightsTitle: '从已完成运行的权重开始此计算图的新运行（优化器重新开始）',
      fromCheckpoint: '恢复训练',
      fromCheckpointTitle: '从第 {{epoch}} 轮、运行停下的地方继续：批次、优化器和随机数流都与从未中断时相同',
    },
    interrupted: {
      title: '中断的运行',
      summary: '引擎停止时，“{{name}}”停在第 {{epoch}} 轮、第 {{step}} 步（损失 {{loss}}）；其检查点保存于 {{saved}}。',
      unnamed: '一次运行',
      damaged: '保存于 {{saved}} 的检查点无法读取：{{problem}}',
      resume: '恢复',
      export: '导出…',
      discard: '丢弃',
      resumeTitle: '打开该运行的计算图和权重，并从检查点继续训练',
      exportTitle: '将检查点的权重保存为模型文件',
      listFailed: '无法列出中断的运行：{{message}}',
      openFailed: '无法打开检查点：{{message}}',
      discardFailed: '无法丢弃检查点：{{message}}',
      busy: '有运行正在训练：请先停止它，再恢复另一个运行。',
      unsaved: '当前打开的文档不是该运行的计算图，且有未保存的更改：请先保存，再恢复。',
    },
  },
} as const;
