import 'reflect-metadata';
import { CLUSTER_DEFAULTS, loadSettings } from '@gantry/settings';
import { exitOnStartupFailure } from '@gantry/runtime';
import { startProxy } from './proxy.bootstrap';

startProxy(loadSettings(process.env, CLUSTER_DEFAULTS)).catch(exitOnStartupFailure('proxy'));
