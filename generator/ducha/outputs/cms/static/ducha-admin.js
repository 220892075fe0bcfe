// Starts the vendored Decap CMS with ducha's generated config.yml and ducha's YAML format.
// Every file this page loads is served from this folder: no request leaves the intranet.
import * as YAML from './yaml/index.js';
import { FACT, factControl, formatter, fieldOrder } from './ducha-format.js';

const response = await fetch('config.yml', { cache: 'no-cache' });
const config = YAML.parse(await response.text());
// Keys are written in the schema's order, as config.yml lists them; the form shows first what a unit
// adds (the logs), then the facts, as text.
const order = fieldOrder(config.collections[0].fields);
for (const collection of config.collections) {
  collection.fields = [...collection.fields.filter(f => f.widget !== FACT),
                       ...collection.fields.filter(f => f.widget === FACT)];
}
window.CMS.registerWidget(FACT, factControl(window.createClass, window.h));
window.CMS.registerCustomFormat('ducha-yaml', 'yaml', formatter(order));
window.CMS.init({ config: { ...config, load_config_file: false } });
