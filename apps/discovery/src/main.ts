import 'reflect-metadata';
import { CLUSTER_DEFAULTS, loadSettings } from '@gantry/settings';
import { exitOnStartupFailure } from '@gantry/runtime';
import { startDiscovery } from './discovery.bootstrap';

startDiscovery(loadSettings(process.env, CLUSTER_DEFAULTS)).catch(exitOnStartupFailure('discovery'));
