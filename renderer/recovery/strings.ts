/** Backups and recovery (namespace `recovery`), in English and Simplified Chinese with the same keys. */

const en = {
  title: 'Restore unsaved work?',
  introOne: 'RNN Studio closed before this document was saved. It was backed up and can be restored.',
  introMany: 'RNN Studio closed before these documents were saved. They were backed up and can be restored, one at a time.',
  backedUp: 'Backed up {{when}}',
  neverSaved: 'Never saved',
  from: 'From {{path}}',
  damagedName: 'Damaged backup',
  damaged: 'This backup cannot be restored: {{problem}}',
  restore: 'Restore',
  discard: 'Discard',
  later: 'Decide later',
  laterHint: 'Keep the backups; they are offered again next time.',
  restored: 'Restored “{{name}}”. It is not saved yet.',
  restoreFailed: 'Could not restore the backup: {{message}}',
  discardFailed: 'Could not discard the backup: {{message}}',
  listFailed: 'Could not look for backups of unsaved work: {{message}}',
  writeFailed: 'Unsaved changes could not be backed up: {{message}}',
  offline: 'the engine is not connected',
};

const zh: typeof en = {
  title: '恢复未保存的内容？',
  introOne: 'RNN Studio 在此文档保存之前关闭了。它已被备份，可以恢复。',
  introMany: 'RNN Studio 在这些文档保存之前关闭了。它们已被备份，可以逐个恢复。',
  backedUp: '备份于 {{when}}',
  neverSaved: '从未保存',
  from: '来自 {{path}}',
  damagedName: '损坏的备份',
  damaged: '此备份无法恢复：{{problem}}',
  restore: '恢复',
  discard: '丢弃',
  later: '稍后决定',
  laterHint: '保留这些备份，下次启动时会再次提示。',
  restored: '已恢复“{{name}}”，尚未保存。',
  restoreFailed: '无法恢复备份：{{message}}',
  discardFailed: '无法丢弃备份：{{message}}',
  listFailed: '无法查找未保存内容的备份：{{message}}',
  writeFailed: '未保存的更改无法备份：{{message}}',
  offline: '引擎未连接',
};

export const recovery = { en, zh };
