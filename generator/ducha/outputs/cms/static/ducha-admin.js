// Starts the vendored Decap CMS with ducha's generated config.yml and ducha's YAML format.
// Every file this page loads is served from this folder: no request leaves the intranet.
import * as YAML from './yaml/index.js';
import { formatter, fieldOrder } from './ducha-format.js';

const response = await fetch('config.yml', { cache: 'no-cache' });
const config = YAML.parse(await response.text());
const order = fieldOrder(config.collections[0].fields);
window.CMS.registerCustomFormat('ducha-yaml', 'yaml', formatter(order));
window.CMS.init({ config: { ...config, load_config_file: false } });
