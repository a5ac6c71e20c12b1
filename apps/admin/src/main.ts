import 'reflect-metadata';
import { CLUSTER_DEFAULTS, loadSettings } from '@gantry/settings';
import { exitOnStartupFailure } from '@gantry/runtime';
import { startAdmin } from './admin.bootstrap';

startAdmin(loadSettings(process.env, CLUSTER_DEFAULTS)).catch(exitOnStartupFailure('admin'));
