/**
 * Text that main shows itself (native menus, dialogs, window titles, host status messages), in
 * English and Simplified Chinese. Main has no i18next; it picks the language from the system
 * locale once at start. `{name}` placeholders are filled by `fill`.
 */
export const mainStrings = {
  en: {
    appName: 'RNN Studio',
    untitled: 'Untitled',
    menuFile: 'File',
    menuEdit: 'Edit',
    menuView: 'View',
    menuTrain: 'Train',
    menuWindow: 'Window',
    menuHelp: 'Help',
    fileNew: 'New',
    fileOpen: 'Open…',
    fileOpenRecent: 'Open Recent',
    fileNoRecent: 'No Recent Files',
    fileClearRecent: 'Clear Recent Files',
    fileSave: 'Save',
    fileSaveAs: 'Save As…',
    fileImport: 'Import…',
    fileExport: 'Export…',
    fileTemplates: 'Templates…',
    fileClose: 'Close Window',
    fileQuit: 'Exit',
    editUndo: 'Undo',
    editRedo: 'Redo',
    editCut: 'Cut',
    editCopy: 'Copy',
    editPaste: 'Paste',
    editDelete: 'Delete',
    editSelectAll: 'Select All',
    viewFitView: 'Fit View',
    viewReload: 'Reload',
    viewDevTools: 'Toggle Developer Tools',
    viewActualSize: 'Actual Size',
    viewZoomIn: 'Zoom In',
    viewZoomOut: 'Zoom Out',
    viewFullScreen: 'Toggle Full Screen',
    trainStart: 'Start Training',
    trainStop: 'Stop Training',
    helpAbout: 'About RNN Studio',
    filterGraph: 'RNN Studio graph',
    filterModel: 'RNN Studio model',
    filterJson: 'JSON',
    closeUnsavedMessage: 'Do you want to save the changes you made to “{name}”?',
    closeUnsavedDetail: 'Your changes will be lost if you don’t save them.',
    closeSave: 'Save',
    closeDontSave: 'Don’t Save',
    closeCancel: 'Cancel',
    hostCrashed: 'The engine stopped unexpectedly (exit code {code}).',
    hostRestarting: 'Restarting the engine in {seconds} s.',
    hostStopped: 'The engine stopped {count} times within {seconds} seconds and was not restarted. Save your work and restart RNN Studio.',
    hostFailedToStart: 'The engine could not be started: {reason}',
  },
  zh: {
    appName: 'RNN Studio',
    untitled: '未命名',
    menuFile: '文件',
    menuEdit: '编辑',
    menuView: '视图',
    menuTrain: '训练',
    menuWindow: '窗口',
    menuHelp: '帮助',
    fileNew: '新建',
    fileOpen: '打开…',
    fileOpenRecent: '打开最近的文件',
    fileNoRecent: '没有最近的文件',
    fileClearRecent: '清除最近的文件',
    fileSave: '保存',
    fileSaveAs: '另存为…',
    fileImport: '导入…',
    fileExport: '导出…',
    fileTemplates: '模板…',
    fileClose: '关闭窗口',
    fileQuit: '退出',
    editUndo: '撤销',
    editRedo: '重做',
    editCut: '剪切',
    editCopy: '复制',
    editPaste: '粘贴',
    editDelete: '删除',
    editSelectAll: '全选',
    viewFitView: '适应视图',
    viewReload: '重新加载',
    viewDevTools: '切换开发者工具',
    viewActualSize: '实际大小',
    viewZoomIn: '放大',
    viewZoomOut: '缩小',
    viewFullScreen: '切换全屏',
    trainStart: '开始训练',
    trainStop: '停止训练',
    helpAbout: '关于 RNN Studio',
    filterGraph: 'RNN Studio 图',
    filterModel: 'RNN Studio 模型',
    filterJson: 'JSON',
    closeUnsavedMessage: '是否保存对“{name}”所做的更改?',
    closeUnsavedDetail: '如果不保存,你的更改将会丢失。',
    closeSave: '保存',
    closeDontSave: '不保存',
    closeCancel: '取消',
    hostCrashed: '引擎意外退出(退出码 {code})。',
    hostRestarting: '{seconds} 秒后重新启动引擎。',
    hostStopped: '引擎在 {seconds} 秒内退出了 {count} 次,已不再自动重启。请保存你的工作并重新启动 RNN Studio。',
    hostFailedToStart: '无法启动引擎:{reason}',
  },
} as const;

export type MainStrings = { readonly [K in keyof (typeof mainStrings)['en']]: string };
export type MainLanguage = keyof typeof mainStrings;

/** 'zh', 'zh-CN', 'zh-Hans-CN' … → Chinese; anything else → English. */
export function languageFor(locale: string): MainLanguage {
  return locale.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function stringsFor(locale: string): MainStrings {
  return mainStrings[languageFor(locale)];
}

/** Replaces each `{key}` with its value; unknown keys stay as they are, so a slip is visible. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
