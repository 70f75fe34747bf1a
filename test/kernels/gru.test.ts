// The GRU kernels (gru_forward, gru_backward; both reset forms) against src/reference/gru.ts.
import { recurrentFamilySuite } from '../checks/recurrent-suite.js';

recurrentFamilySuite('gru');
