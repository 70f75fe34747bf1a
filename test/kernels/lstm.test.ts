// The LSTM kernels (lstm_forward, lstm_backward; with and without peepholes) against src/reference/lstm.ts.
import { recurrentFamilySuite } from '../checks/recurrent-suite.js';

recurrentFamilySuite('lstm');
