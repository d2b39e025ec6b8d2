// Preload: exposes one narrow, typed API object to the renderer as `window.kerbside` (see preload-api.ts).
import { contextBridge, ipcRenderer } from 'electron';
import { createKerbsideApi } from './preload-api';

contextBridge.exposeInMainWorld('kerbside', createKerbsideApi(ipcRenderer));
