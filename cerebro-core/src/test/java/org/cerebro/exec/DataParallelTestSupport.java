package org.cerebro.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;

/** For tests of data-parallel training in any module: the single-worker order of its records. */
public final class DataParallelTestSupport {
    private DataParallelTestSupport() {
    }

    /** The single-worker record order of a data-parallel epoch: step by step, rank 0's share, then rank 1's... */
    public static Dataset interleaved(List<List<Dataset>> local, int batch) {
        int[] sizes = local.stream().mapToInt(l -> l.stream().mapToInt(Dataset::size).sum()).toArray();
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        DataParallelSteps steps = new DataParallelSteps(sizes, batch);
        while (steps.next()) {
            int total = 0;
            for (int r = 0; r < sizes.length; r++) {
                for (int i = steps.offset(r); i < steps.offset(r) + steps.count(r); i++) {
                    int row = i;
                    for (Dataset part : local.get(r)) { // the i-th record of rank r's concatenated datasets
                        if (row < part.size()) {
                            float[] features = new float[part.featureWidth()];
                            part.copyFeatures(row, features);
                            rows.add(features);
                            labels.add(part.label(row));
                            break;
                        }
                        row -= part.size();
                    }
                }
                total += steps.count(r);
            }
            assertEquals(steps.records(), total);
        }
        return Datasets.fromArrays(rows.toArray(float[][]::new), labels.stream().mapToInt(Integer::intValue).toArray(),
            local.get(0).get(0).numClasses());
    }

}
