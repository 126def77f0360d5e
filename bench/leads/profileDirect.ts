import 'reflect-metadata';
import { routeInProcess } from './direct';
import { formatFigures } from './measure';
routeInProcess(1000, 20).then((f) => { console.log(formatFigures(f)); process.exit(0); });
